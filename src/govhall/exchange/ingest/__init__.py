"""Ingestion (数据归集) of registry files: reading, checking and merging.

- ``reading``: CSV (streamed, UTF-8 / GBK), Excel and JSON files, pushed rows; size limit.
- ``columns``: the targets of a resource and how a file's header maps to them.
- ``values``: the rule of each field type, in Python (the reference), and the reasons.
- ``portable``: SQLite: rows checked in Python, merged with batched upserts.
- ``pg`` and ``sql``: PostgreSQL: COPY into a staging table, one validation query, one merge.
- ``report``: rejections and counts.
- ``selectors``: loads and loadable resources, scoped by the actor.

The service that ties them together is :mod:`govhall.exchange.services_ingest`.
"""
