from transformers import AutoModel, pipeline
from datasets import load_dataset

m = AutoModel.from_pretrained("org/model", trust_remote_code=True)
p = pipeline("text-generation", model="org/m", trust_remote_code=True)
d = load_dataset("org/data", trust_remote_code=True)
# fine
q = AutoModel.from_pretrained("org/model", trust_remote_code=False)
r = AutoModel.from_pretrained("org/model")
