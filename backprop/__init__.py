"""The library behind the scripts: backpropagation from scratch, one job a module.

The 2-2-2 network of Mazur's post:
    worked_example  the post's network and math in its names: the reference (forward, gradients, both orders)
    scalar          the same math in Python floats, fast for one network: what train() runs
    engine          the same math in NumPy, in place: FastNetwork, for the updates scalar hands over
    training        the training loop, its arguments and what it records (Trajectory)
    batched         many networks in lockstep (structure of arrays): train_many, what a sweep records
    workers         the worker processes batched.train_many shares its blocks among
    sweeps          the sweeps of sweep.py over learning rates and starting weights, and their summaries
    published       every figure we check against, as published, with its source
    gradcheck       central finite differences and --check-gradients
    analysis        the two orders compared, and the post's figures reconciled
Your own network and hand calculations:
    exercise        the network flags and --example: the Exercise they make
    written_out     the worked example's values for any exercise, each a formula over earlier values
    general         the worked example's lines for an exercise of another shape
    hand_check      --check: a hand calculation against ours, and its first mistake
    classroom       exercises.py: a class's exercises from a seed, and their grading
Any network:
    layered         the layered engine: any depth, mini-batches (the general form of the worked example)
    optimizers      SGD and Adam on one flat parameter vector
    datasets        the function approximation task and scikit-learn's diabetes data
Around them:
    plotting        what the figures share: looks, flags, titles, reproducible saving
    sweep_plots     the figures of sweep.py
    sweep_report    sweep.py's text, marked blocks, CSV and JSON
    sweep_cli       sweep.py's argument types and option groups
    mlp_report      what a run of mlp.py measured, as JSON fields and text
    diagram         the 2-2-2 network drawn, and its animation
    progress        the progress bars on stderr
    validate        each quantity's rule (learning rate, counts), declared once
    cli             argument types, the parser, one-line errors, run()
    startup         loaded first by every script: Ctrl-C during the imports is one line
    training_cli    the command line of ann_numpy.py and ann_numpy_original.py
    readme_cli      --update/--check of a marked block, reported on the command line
    files           atomic writes and README marker blocks (raises; never prints or exits)
"""
