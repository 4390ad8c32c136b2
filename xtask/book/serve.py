"""`cargo xtask book --serve`: the built site, on 127.0.0.1, files only.

Usage: serve.py SITE PORT. A folder without an index.html answers 404 rather
than the list of its files that Python's file server would show.
"""

import functools
import http.server
import sys


class FilesOnly(http.server.SimpleHTTPRequestHandler):
    def list_directory(self, path):
        self.send_error(404, "Not found")
        return None


def main():
    site, port = sys.argv[1], int(sys.argv[2])
    handler = functools.partial(FilesOnly, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
