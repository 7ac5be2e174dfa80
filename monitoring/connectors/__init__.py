"""Connectors: each platform's posts and the public's enquiries, read from the platform itself.

One module per platform (``bluesky``, ``facebook``, ``instagram``, ``x``, ``youtube``, ``linkedin``,
``demo``), each implementing ``base.Connector``. They talk to the platform only: what they fetch is
stored by ``monitoring.sync`` through the same ingest services as the API and CSV imports.
"""
