import torch


class Trainer:
    def resume(self, checkpoint_file):
        state = torch.load(
            checkpoint_file
        )
        self.model.load_state_dict(state["model"])
