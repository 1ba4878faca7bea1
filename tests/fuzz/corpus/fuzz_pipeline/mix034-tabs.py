
import ｔｏｒｃｈ
def f(path, paths, flag, kwargs, args):
	def load(p):
		return p
	y = load(path)
	y = ｔｏｒｃｈ.ｌｏａｄ(
		ｔｏｒｃｈ.ｌｏａｄ(
			path
		)
	)
