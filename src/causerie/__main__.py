from causerie.cli import main

raise SystemExit(main())
