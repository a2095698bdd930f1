// ws ships no types; tests use it only as graphql-ws's WebSocket implementation.
declare module 'ws' {
  const WebSocket: unknown;
  export default WebSocket;
}
