"""The loop network with one classic bug: the training step updates each layer as soon as its
gradient is known, from the output down, and then sends the deltas down through the weights it
has just changed. The gradient alone is right; the step is not. Everything else is
loops_network.py's.

``neuronnet check examples/check_loops_buggy.py`` fails sgd_step_follows_the_gradient.
"""
import loops_network


class LoopNet(loops_network.LoopNet):
    def train_step(self, X, Y, lr):
        n, L = len(X), len(self.weights)
        runs = [self.run(x) for x in X]
        deltas = [[(a - t) * loops_network.slope(self.activations[-1], z, a)
                   for z, a, t in zip(zs[-1], outs[-1], y)] for (zs, outs), y in zip(runs, Y)]
        for l in range(L - 1, -1, -1):
            for j in range(len(self.weights[l])):
                for (zs, outs), delta in zip(runs, deltas):
                    self.biases[l][j] -= lr * delta[j] / n
                    for i in range(len(self.weights[l][j])):
                        self.weights[l][j][i] -= lr * delta[j] * outs[l][i] / n
            if l > 0:  # BUG: the weights of layer l were updated above; backprop needs the old ones
                deltas = [[sum(self.weights[l][k][j] * delta[k] for k in range(len(delta)))
                           * loops_network.slope(self.activations[l - 1], zs[l - 1][j],
                                                 outs[l][j])
                           for j in range(len(self.weights[l - 1]))]
                          for (zs, outs), delta in zip(runs, deltas)]
