"""The affine layer: z = x @ W.T + b, one weight matrix for a whole layer of neurons."""


class Affine:
    """z = x @ W.T + b with x (n, fan_in), W (fan_out, fan_in), b (fan_out,), z (n, fan_out).

    W is stored (fan_out, fan_in), not the book's (fan_in, fan_out): row j is neuron j's weight
    vector, the neuron model's layout, so converting between the models is a plain copy.
    """

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x                      # a reference, never written to (x may be read-only)
        return x @ self.W.T + self.b    # b broadcasts over the n rows

    def backward(self, dz, need_dx=True):
        """dz = delta = dL/dz (n, fan_out) -> dL/dx (n, fan_in); stores dW, db.

        The sums over the batch in dW and db are sums, not means: the loss's backward already
        divided by n, so dividing again here would be wrong.
        """
        self.dW = dz.T @ self.x         # (fan_out, fan_in): sum over samples of delta x^T
        self.db = dz.sum(axis=0)        # (fan_out,)
        return dz @ self.W if need_dx else None   # (n, fan_in), the next layer down's dL/da
