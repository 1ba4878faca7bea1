import torch as ﬁ

# NFKC (PEP 3131) folds the ligature: `ﬁ` and `fi` are one name.
a = fi.load("a.pt")
# Non-ASCII in comments and strings is no name: ｔｏｒｃｈ.load("x.pt")
b = "ｔｏｒｃｈ.load('b.pt')"
c = café.load("c.pt")
d = ｆｉ.ｌｏａｄ("d.pt")
