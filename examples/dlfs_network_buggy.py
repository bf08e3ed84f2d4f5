"""The DLFS-style network with one classic bug: ReLU's backward silences the gradient by
writing zeros into the array it was handed, which belongs to its caller. Everything else is
dlfs_network.py's.

``neuronnet check examples/check_dlfs_buggy.py`` fails nothing_handed_in_is_changed: the
array arrives read-only, and the write raises.
"""
import dlfs_network


class Relu(dlfs_network.Relu):
    def backward(self, dout):
        dout[self.mask] = 0.0  # BUG: writes into the caller's array
        return dout


class LayerNet(dlfs_network.LayerNet):
    ACTIVATIONS = {**dlfs_network.ACTIVATIONS, "relu": Relu}
