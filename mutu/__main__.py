from mutu.cli import main

raise SystemExit(main())
