import fc from 'fast-check';
import { channelOfFilter, channelOfTopic, topicMatches as matches } from './thing-routed.emitter';

describe('thing-routed channels', () => {
  it('routes thing topics on their thing channel and the rest on their first level', () => {
    expect(channelOfTopic('p', '$aws/things/cam-1/jobs/notify-next')).toBe('p:mq:t:cam-1');
    expect(channelOfTopic('p', 'edgefleet/things/cam-1')).toBe('p:mq:t:cam-1');
    expect(channelOfTopic('p', '$SYS/gw-1/heartbeat')).toBe('p:mq:l:$SYS');
    expect(channelOfTopic('p', 'edgefleet/things')).toBe('p:mq:l:edgefleet');
    expect(channelOfFilter('p', '$aws/things/cam-1/jobs/+/update/accepted')).toEqual({ channel: 'p:mq:t:cam-1', pattern: false });
    expect(channelOfFilter('p', '$SYS/+/new/clients')).toEqual({ channel: 'p:mq:l:$SYS', pattern: false });
    expect(channelOfFilter('p', '$aws/events/#')).toEqual({ channel: 'p:mq:l:$aws', pattern: false });
    for (const all of ['#', '+/things/x', '$aws/things/+/shadow/update', 'edgefleet/things/#', '$aws/+/x']) expect(channelOfFilter('p', all)).toEqual({ channel: 'p:mq:*', pattern: true });
  });

  it('never loses a message: a filter that matches a topic listens on the channel that topic travels on', () => {
    const level = fc.constantFrom('$aws', 'edgefleet', 'things', 'cam-1', 'cam-2', '$SYS', 'jobs', 'x', '');
    const topic = fc.array(level, { minLength: 1, maxLength: 5 }).map((l) => l.join('/'));
    const filter = fc
      .tuple(fc.array(fc.oneof(level, fc.constant('+')), { minLength: 1, maxLength: 5 }), fc.boolean())
      .map(([l, hash]) => (hash ? [...l, '#'] : l).join('/'));
    fc.assert(
      fc.property(topic, filter, (t, f) => {
        fc.pre(matches(f, t));
        const sub = channelOfFilter('p', f);
        return sub.pattern || sub.channel === channelOfTopic('p', t);
      }),
      { numRuns: 20_000 },
    );
  });
});
