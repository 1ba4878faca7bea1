
import torch.serialization as serx = ser.load(    path)x = ser.load(\    path)