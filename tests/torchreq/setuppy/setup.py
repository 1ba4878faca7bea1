from setuptools import setup

# install_requires=["torch<1"] in a comment is not read
BASE = ["numpy", "torch>=2.0"]
DOCS = "torch==1.0"

setup(
    name="example",
    install_requires=BASE,
    extras_require={
        "gpu": ["torch[cuda]==2.10.0", 'numpy'],
        "legacy": ("torch" "<1.13",),
        "dyn": [f"torch=={version}"],
    },
    tests_require=["torch==0.4"],
)

setup(install_requires=[r"torch>=2.6", b"torch<2"])
