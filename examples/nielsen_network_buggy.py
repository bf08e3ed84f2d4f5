"""The Nielsen-style network with one classic bug: the derivative of the sigmoid is fed the
neuron's output a = sigmoid(z) instead of z. Everything else is nielsen_network.py's.

``neuronnet check examples/check_nielsen_buggy.py`` fails gradient_equals_the_reference.
"""
import nielsen_network


class Network(nielsen_network.Network):
    def backprop(self, x, y):
        activation, activations = x, [x]
        for w, b in zip(self.weights, self.biases):
            activation = nielsen_network.sigmoid(w @ activation + b)
            activations.append(activation)
        prime = nielsen_network.sigmoid_prime
        delta = (activations[-1] - y) * prime(activations[-1])  # BUG: sigmoid'(a), not sigmoid'(z)
        nabla_w, nabla_b = [None] * len(self.weights), [None] * len(self.biases)
        nabla_w[-1], nabla_b[-1] = delta @ activations[-2].T, delta
        for l in range(2, len(self.sizes)):
            delta = (self.weights[-l + 1].T @ delta) * prime(activations[-l])  # BUG: again
            nabla_w[-l], nabla_b[-l] = delta @ activations[-l - 1].T, delta
        return nabla_w, nabla_b
