"""``govhall licenses_bench``: SM2/SM3 signing and verification speed (DESIGN.md §8).

gmssl's SM2 is pure Python: the figures bound how many licenses a process signs (issuance,
change, renewal) and verifies (the QR page, the API) per second. No database is touched.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from govhall.licenses import crypto


class Command(BaseCommand):
    help = "电子证照签章基准:SM2 签名、验签和 SM3 摘要的速度(单进程)。"

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50, help="签名和验签各多少次")

    def handle(self, *args, runs: int, **options) -> None:
        pair = crypto.keypair_generate()
        payload = ("营业执照" * 200).encode()  # ~2.4 KB, a large face
        started = time.perf_counter()
        signatures = [crypto.sign(pair.private_hex, pair.public_hex, payload) for _ in range(runs)]
        signing = time.perf_counter() - started
        started = time.perf_counter()
        ok = all(crypto.verify(pair.public_hex, payload, s) for s in signatures)
        verifying = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(runs * 20):
            crypto.sm3(payload)
        digest = time.perf_counter() - started
        self.stdout.write(f"SM2 sign:   {runs / signing:8.1f}/s ({1000 * signing / runs:.1f} ms)")
        self.stdout.write(
            f"SM2 verify: {runs / verifying:8.1f}/s ({1000 * verifying / runs:.1f} ms), all ok={ok}"
        )
        self.stdout.write(f"SM3 2.4 KB: {runs * 20 / digest:8.1f}/s")
