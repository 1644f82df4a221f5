"""The evaluation service (``dsbench serve``, extra ``dsbench[service]``): an HTTP API over a store of
datasets and cards, with a job queue run by workers. It calls evaluation, store and corpus; nothing
here imports the command line. Modules: ``database`` (SQLite or PostgreSQL, migrations), ``blobs``
(content-addressed files), ``accounts`` (users, organisations, roles, tokens), ``catalog``
(datasets, versions, files), ``queue`` (evaluations as jobs), ``worker`` and ``job`` (running them),
``cards`` (cards held, published, ranked), ``app`` and ``routes`` (the HTTP API), ``pages`` (the
public web pages), ``server`` (serve and seed), ``client`` (``dsbench submit``)."""
