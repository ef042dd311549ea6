#!/bin/sh
# rolewatch runs on the Node.js runtime its package brings, whatever node the
# host has (if any), so that an upgrade of the host's node cannot break it.
exec /usr/lib/rolewatch/node /usr/lib/rolewatch/dist/main.js "$@"
