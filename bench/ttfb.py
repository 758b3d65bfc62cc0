#!/usr/bin/env python3
"""ttfb.py URL [HEADER:VALUE ...]: prints 'status headers_ms first_body_ms total_ms' for one GET on a new connection."""
import http.client, sys, time, urllib.parse
def measure(url, headers):
    u = urllib.parse.urlsplit(url)
    t0 = time.perf_counter()
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    c.request("GET", u.path + (("?" + u.query) if u.query else ""), headers=headers)
    r = c.getresponse()
    t1 = time.perf_counter()
    first = r.read1(1) if hasattr(r, "read1") else r.read(1)
    t2 = time.perf_counter()
    rest = 0
    while True:
        b = r.read(1 << 20)
        if not b: break
        rest += len(b)
    t3 = time.perf_counter()
    c.close()
    return r.status, (t1 - t0) * 1000, (t2 - t0) * 1000, (t3 - t0) * 1000, len(first) + rest
if __name__ == "__main__":
    h = dict(a.split(":", 1) for a in sys.argv[2:])
    h = {k.strip(): v.strip() for k, v in h.items()}
    s, a, b, c, n = measure(sys.argv[1], h)
    print(f"{s} {a:.1f} {b:.1f} {c:.1f} {n}")
