from socialmon.cli import main

main()
