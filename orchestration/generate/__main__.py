"""`python -m orchestration.generate --out DIR ...`"""

from orchestration.generate.cli import main

raise SystemExit(main())
