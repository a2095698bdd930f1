import { type ArgumentMetadata, Injectable, ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { validationFailed } from '@edgefleet/domain';

/** What Postgres text and jsonb cannot store: U+0000, and half a surrogate pair (JSON allows both). */
const UNSTORABLE = /\u0000|\p{Cs}/u;

/**
 * Refuses such text anywhere in a GraphQL argument, naming where it is (`input.deviceIds.0`),
 * instead of letting it fail in the database as an internal error.
 */
@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // @Args values reach pipes as 'body' (as ValidationPipe sees them); @Caller, @Context and @Parent as 'custom'.
    if (metadata.type === 'body') assertStorable(value, metadata.data ?? '');
    return value;
  }
}

function assertStorable(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) throw validationFailed(path, 'must be text without NUL characters (U+0000) or unpaired surrogates.');
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      assertStorable(key, at);
      assertStorable(inner, at);
    }
  }
}

/** An argument the database keeps as a UUID: anything else is refused naming the argument, before Postgres sees it. */
export const uuidArgument = (field: string, what: string) =>
  new ParseUUIDPipe({ exceptionFactory: () => validationFailed(field, `must be the id of ${what} (a UUID).`) });
