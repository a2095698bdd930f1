import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type OutputFrames, jpegOf } from './output.frames';

const BOUNDARY = 'edgefleet-frame';
/** At most this many frames a second go to a viewer of the MJPEG stream. */
const MJPEG_FPS = 5;

/**
 * The HDMI data sink of an appliance without a display: the frames applications put on
 * `video_out`, with their labels and boxes drawn, served on the device's own address only
 * (127.0.0.1): `/` lists them, `/<instance>/<stream>.jpg` is the last frame,
 * `/<instance>/<stream>.mjpeg` a live MJPEG stream. A frame is encoded only when someone asks.
 */
export class PreviewServer {
  private readonly server: Server;

  constructor(private readonly outputs: OutputFrames) {
    this.server = createServer((req, res) => void this.handle(req, res).catch((err: Error) => (res.headersSent ? res.destroy() : res.writeHead(500).end(err.message))));
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => this.server.once('error', reject).listen(port, host, () => resolve((this.server.address() as { port: number }).port)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://device');
    if (url.pathname === '/') {
      const list = this.outputs.list().map((o) => ({ ...o, jpeg: `/${o.applicationInstanceId}/${encodeURIComponent(o.streamId)}.jpg`, mjpeg: `/${o.applicationInstanceId}/${encodeURIComponent(o.streamId)}.mjpeg` }));
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
    }
    const m = /^\/([^/]+)\/([^/]+)\.(jpg|mjpeg)$/.exec(url.pathname);
    const frame = () => (m ? this.outputs.frame(m[1], decodeURIComponent(m[2])) : undefined);
    if (!m || !frame()) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('no such output: see / for what there is\n');
    if (m[3] === 'jpg') {
      const f = frame()!;
      const jpeg = await jpegOf(f);
      return void res.writeHead(200, { 'content-type': 'image/jpeg', 'cache-control': 'no-store', 'x-labels': JSON.stringify(f.labels.map((l) => l[0])).slice(0, 4000) }).end(jpeg);
    }
    res.writeHead(200, { 'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`, 'cache-control': 'no-store' });
    let closed = false;
    const gone = new Promise((r) => req.on('close', r)).then(() => (closed = true));
    let last: ReturnType<typeof frame>;
    while (!closed) {
      const f = frame();
      if (!f) break;
      if (f === last) {
        // The next frame put, or the viewer gone.
        await Promise.race([once(this.outputs, 'frame'), gone]);
        continue;
      }
      last = f;
      const jpeg = await jpegOf(f);
      if (closed) break;
      res.write(`--${BOUNDARY}\r\ncontent-type: image/jpeg\r\ncontent-length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write('\r\n');
      await new Promise((r) => setTimeout(r, 1000 / MJPEG_FPS));
    }
    res.end();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
