from backprop_gui.cli import main

raise SystemExit(main())
