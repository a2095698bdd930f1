import { Field, InputType, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A resource tag: a key and a (possibly empty) value.' })
export class Tag {
  @Field() key!: string;
  @Field() value!: string;
}

@InputType()
export class TagInput {
  @Field() key!: string;
  @Field(() => String, { nullable: true, description: 'Omit for a key-only tag.' }) value?: string | null;
}

export const toTags = (tags: Record<string, string>): Tag[] => Object.entries(tags).map(([key, value]) => ({ key, value }));
