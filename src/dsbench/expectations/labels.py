"""(being written)"""

EXPECTATIONS: list = []
