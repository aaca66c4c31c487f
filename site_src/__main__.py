from site_src.cli import main

main()
