"""The API's routes, one module per resource family; each has a ``router``."""

from dsbench.service.routes import accounts, cards, datasets, evaluations

ROUTERS = (accounts.router, datasets.router, evaluations.router, cards.router)
