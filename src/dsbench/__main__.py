from dsbench.cli.app import main

main()
