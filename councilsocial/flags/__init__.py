"""The flags engine: findings of the periodic checks, reconciled and sent as digests.

Part of the base layer: imports no app. Each app registers its own checks (``registry``).
"""
