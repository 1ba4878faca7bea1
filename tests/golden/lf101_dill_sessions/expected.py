import dill
from dill import load_module_asdict as load_ns

# dill's sessions unpickle a saved module's namespace: a crafted session
# file runs code like any pickle.
dill.load_module("session.pkl")
namespace = load_ns("session.pkl")
dill.load_session("old-session.pkl")
# never flagged: saving a session
dill.dump_module("session.pkl")
dill.dump_session("old-session.pkl")


def shadowed(dill):
    return dill.load_module("session.pkl")
