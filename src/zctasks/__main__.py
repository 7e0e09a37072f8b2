from zctasks.cli import main

main()
