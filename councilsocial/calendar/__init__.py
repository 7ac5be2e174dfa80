"""The council's working calendar and the response-time rule (000 §25).

Part of the base layer: imports no app.
"""
