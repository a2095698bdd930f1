import { DomainError } from './errors';
import { type GroupSubject, matchesFleetQuery, parseFleetQuery, readsConnectivity } from './fleet-query.rules';

const device: GroupSubject = {
  deviceId: 'device-aaaaaaaaaaaaaaaaaaaaaaaaaa',
  name: 'lobby-cam-3',
  type: 'PANORAMA_APPLIANCE',
  brand: 'AWS_PANORAMA',
  currentSoftware: '4.3.55',
  provisioningStatus: 'SUCCEEDED',
  deviceConnectionStatus: 'ONLINE',
  tags: { site: 'berlin', floor: '3', 'team name': 'vision ops', empty: '' },
};
const matches = (q: string, d: Partial<GroupSubject> = {}) => matchesFleetQuery(parseFleetQuery(q), { ...device, ...d });
const reasonOf = (q: string) => {
  try {
    parseFleetQuery(q);
    return 'parsed';
  } catch (err) {
    return err instanceof DomainError ? `${err.reason}: ${err.message}` : String(err);
  }
};

describe('fleet indexing queries of dynamic thing groups', () => {
  it('matches terms on tags (attributes.* and tags.*) and device fields', () => {
    expect(matches('attributes.site:berlin')).toBe(true);
    expect(matches('tags.site:berlin')).toBe(true);
    expect(matches('attributes.site:paris')).toBe(false);
    expect(matches('attributes.missing:*')).toBe(false);
    expect(matches('attributes.empty:*')).toBe(true);
    expect(matches('thingName:device-aaaaaaaaaaaaaaaaaaaaaaaaaa deviceName:lobby-cam-3 brand:AWS_PANORAMA deviceType:PANORAMA_APPLIANCE provisioningStatus:SUCCEEDED')).toBe(true);
    expect(matches('connectivity.connected:true')).toBe(true);
    expect(matches('connectivity.connected:true', { deviceConnectionStatus: 'OFFLINE' })).toBe(false);
    expect(matches('connectivity.status:OFFLINE', { deviceConnectionStatus: 'OFFLINE' })).toBe(true);
  });

  it('has wildcards, quoted values, and ranges and comparisons on numbers and software versions', () => {
    expect(matches('deviceName:lobby-*')).toBe(true);
    expect(matches('deviceName:lobby-cam-?')).toBe(true);
    expect(matches('deviceName:lobby-cam-??')).toBe(false);
    expect(matches('deviceName:"lobby-*"')).toBe(false); // quoted: the star is a star
    expect(matches('deviceName:"lobby-*"', { name: 'lobby-*' })).toBe(true);
    expect(matches('softwareVersion>4.3.9')).toBe(true); // 55 > 9 as versions, not as strings
    expect(matches('softwareVersion<4.3.9')).toBe(false);
    expect(matches('softwareVersion:[4.3.0 TO 4.3.55]')).toBe(true);
    expect(matches('softwareVersion:[4.3.0 TO 4.3.55}')).toBe(false);
    expect(matches('attributes.floor>=3 AND attributes.floor<10')).toBe(true);
    expect(matches('attributes.floor>20')).toBe(false); // 3 < 20 as numbers
    expect(matches('softwareVersion:*', { currentSoftware: null })).toBe(false);
  });

  it('combines with AND, OR, NOT and parentheses; side by side means AND', () => {
    expect(matches('attributes.site:berlin attributes.floor:3')).toBe(true);
    expect(matches('attributes.site:berlin attributes.floor:4')).toBe(false);
    expect(matches('attributes.site:paris OR attributes.floor:3')).toBe(true);
    expect(matches('NOT attributes.site:paris')).toBe(true);
    expect(matches('(attributes.site:paris OR attributes.site:berlin) AND NOT connectivity.connected:false')).toBe(true);
    expect(matches('attributes.site:paris OR attributes.site:rome AND attributes.floor:3')).toBe(false); // AND binds tighter
  });

  it('says what is wrong with a query it cannot read', () => {
    expect(reasonOf('')).toMatch(/^INVALID_FLEET_QUERY: .*empty/);
    expect(reasonOf('colour:red')).toMatch(/unknown field "colour"/);
    expect(reasonOf('attributes.site:berlin AND')).toMatch(/ends where a term is expected/);
    expect(reasonOf('(attributes.site:berlin')).toMatch(/parenthesis is not closed/);
    expect(reasonOf('attributes.site:berlin)')).toMatch(/unexpected \)/);
    expect(reasonOf('attributes.site:"berlin')).toMatch(/quoted value is not closed/);
    expect(reasonOf('attributes.n:[1 TO]')).toMatch(/range is written/);
    expect(reasonOf('berlin')).toMatch(/expected field:value/);
    expect(reasonOf(`attributes.a:${'x'.repeat(1000)}`)).toMatch(/longer than 1000/);
  });

  it('knows when a query reads the connection (presence changes then re-evaluate)', () => {
    expect(readsConnectivity(parseFleetQuery('attributes.site:berlin'))).toBe(false);
    expect(readsConnectivity(parseFleetQuery('attributes.site:berlin AND NOT connectivity.connected:false'))).toBe(true);
  });
});
