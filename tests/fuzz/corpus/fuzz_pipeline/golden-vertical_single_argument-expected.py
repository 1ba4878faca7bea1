import torch


class Trainer:
    def resume(self, checkpoint_file):
        state = torch.load(
            checkpoint_file,
            weights_only=True
        )
        self.model.load_state_dict(state["model"])
