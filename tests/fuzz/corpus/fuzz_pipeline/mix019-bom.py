
﻿from torch import load as tl
x = tl(path, weights_only=False)  # noqa: LF002
