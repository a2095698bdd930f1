#!/usr/bin/python3
"""A real RTSP camera for tests, benchmarks and demos: GStreamer's RTSP server with an H.264 test
pattern (Debian: gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly).
Run with Debian's /usr/bin/python3 (it has `gi`). Prints `ready rtsp://127.0.0.1:PORT/PATH` once
it listens, and `client connected` / `client closed` as RTSP sessions come and go.

  rtsp-camera.py --port 8554 [--path /live] [--size 640x480] [--fps 10] [--user U --password P]
"""
import argparse
import os
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument('--port', required=True)
parser.add_argument('--path', default='/live')
parser.add_argument('--size', default='640x480')
parser.add_argument('--fps', type=int, default=10)
parser.add_argument('--pattern', default='ball')
parser.add_argument('--user')
parser.add_argument('--password')
args = parser.parse_args()
width, height = args.size.split('x')

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(args.port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_shared(True)
factory.set_launch(
    f'( videotestsrc is-live=true pattern={args.pattern} ! video/x-raw,width={width},height={height},framerate={args.fps}/1'
    f' ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.fps}'
    ' ! rtph264pay name=pay0 pt=96 config-interval=1 )'
)
if args.user:
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, 'user')
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
    server.set_auth(auth)
    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_role_from_structure(Gst.Structure.new_from_string('user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true'))
    factory.set_permissions(permissions)
server.get_mount_points().add_factory(args.path, factory)


def on_client(_server, client):
    print('client connected', flush=True)
    client.connect('closed', lambda _c: print('client closed', flush=True))


server.connect('client-connected', on_client)
if server.attach(None) == 0:
    sys.exit(f'could not listen on 127.0.0.1:{args.port}')
print(f'ready rtsp://127.0.0.1:{args.port}{args.path}', flush=True)
loop = GLib.MainLoop()
if os.environ.get('EDGEFLEET_EXIT_WITH_PARENT') == '1':
    # A test's camera ends with the test runner, even one that was killed.
    parent = os.getppid()
    GLib.timeout_add(1000, lambda: loop.quit() if os.getppid() != parent else True)
loop.run()
