"""The library behind the scripts: backpropagation from scratch, one job a module.

The 2-2-2 network of Mazur's post:
    worked_example  the post's network and math in its names: the reference (forward, gradients, both orders)
    scalar          the same math in Python floats, fast for one network: what train() runs
    engine          the same math in NumPy, in place: FastNetwork, for the updates scalar hands over
    training        the training loop, its arguments and what it records (Trajectory)
    batched         many networks in lockstep (structure of arrays): train_many, what a sweep records
    sweeps          the sweeps of sweep.py over learning rates and starting weights, and their summaries
    published       every figure we check against, as published, with its source
    gradcheck       central finite differences and --check-gradients
    analysis        the two orders compared, and the post's figures reconciled
Any network:
    layered         the layered engine: any depth, mini-batches (the general form of the worked example)
    optimizers      SGD and Adam on one flat parameter vector
    datasets        the function approximation task and scikit-learn's diabetes data
Around them:
    plotting        what the figures share: looks, flags, titles, reproducible saving
    sweep_plots     the two figures of sweep.py
    cli             argument types, the parser, one-line errors
    training_cli    the command line of ann_numpy.py and ann_numpy_original.py
    files           atomic writes and README marker blocks
"""
