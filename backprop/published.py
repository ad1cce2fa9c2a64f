"""Every figure this project checks itself against, as published, with where it was published.

Numbers are kept as the strings printed: the digits shown are part of the figure
(ours are rounded to the same number of decimals before comparing). Scripts and
tests import them from here; nothing else types them.
"""

# --- Matt Mazur, "A Step by Step Backpropagation Example", 2015 -----------------------------
# https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/
POST_URL = "https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/"

# The first update, worked by hand, by section of the post ("The Forward Pass", "Calculating
# the Total Error", "The Backwards Pass": "Output Layer" and "Hidden Layer"), as printed.
POST_FIRST_UPDATE = {
    # The Forward Pass
    "net_h1": "0.3775",
    "out_h1": "0.593269992",
    "out_h2": "0.596884378",
    "net_o1": "1.105905967",
    "out_o1": "0.75136507",
    "out_o2": "0.772928465",
    # Calculating the Total Error
    "E_o1": "0.274811083",
    "E_o2": "0.023560026",
    "E_total": "0.298371109",
    # The Backwards Pass, Output Layer
    "dE_total/dout_o1": "0.74136507",
    "dout_o1/dnet_o1": "0.186815602",
    "dnet_o1/dw5": "0.593269992",
    "dE_total/dw5": "0.082167041",
    "w5+": "0.35891648",
    "w6+": "0.408666186",
    "w7+": "0.511301270",
    "w8+": "0.561370121",
    # The Backwards Pass, Hidden Layer (the post multiplies dE_o2/dout_h1 from rounded factors)
    "dE_o1/dnet_o1": "0.138498562",
    "dnet_o1/dout_h1": "0.40",
    "dE_o1/dout_h1": "0.055399425",
    "dE_o2/dout_h1": "-0.019049119",
    "dE_total/dout_h1": "0.036350306",
    "dout_h1/dnet_h1": "0.241300709",
    "dnet_h1/dw1": "0.05",
    "dE_total/dw1": "0.000438568",
    "w1+": "0.149780716",
    "w2+": "0.19956143",
    "w3+": "0.24975114",
    "w4+": "0.29950229",
    # The closing paragraph: "the total error is now down to 0.291027924"
    "E_total after": "0.291027924",
}

# The closing paragraph: "After repeating this process 10,000 times, for example, the error
# plummets to 0.0000351085. At this point, when we feed forward 0.05 and 0.1, the two outputs
# neurons generate 0.015912196 (vs 0.01 target) and 0.984065734 (vs 0.99 target)." Some
# copies of the post print the error as 0.000035085.
POST_ERROR_AFTER_10000 = "0.0000351085"
POST_ERROR_AFTER_10000_OTHER_COPIES = "0.000035085"
POST_OUTPUTS_AFTER_10000 = ("0.015912196", "0.984065734")

# --- Matt Mazur's companion code: https://github.com/mattm/simple-neural-network ----------
# Where the post's error figures come from. Before commit 4b6faac (2015-03-15, "Update backprop
# algorithm so that hidden layer weight updates use original weights") neural-network.py updated
# sequentially (the hidden layer's deltas with the already-updated w5..w8) and printed the error
# divided by the number of outputs: 0.145513962 after the first update, half of the post's
# 0.291027924. From that commit on it updates in parallel and prints the error itself, 0.291027774.
# So the post's error figures are those of sequential updates, which the author's code made
# before that commit, while its hand-worked arithmetic is parallel.
AUTHOR_CODE_URL = "https://github.com/mattm/simple-neural-network"
AUTHOR_FIX_COMMIT = "4b6faac"
AUTHOR_FIX_DATE = "2015-03-15"
AUTHOR_FIX_MESSAGE = "Update backprop algorithm so that hidden layer weight updates use original weights"
AUTHOR_CODE_BEFORE_FIX_ERROR_1 = "0.145513962"  # printed after the first update: sequential, error ÷ 2 outputs
AUTHOR_CODE_AFTER_FIX_ERROR_1 = "0.291027774"  # printed after the first update: parallel, the error itself

# --- The original suite's README (the project's starting point) ----------------------------
# Its "Detailed Comparison Table" and "Error Progression" tables, quoted row by row:
#   | **1** | `[0.75136507, 0.77292847]` | `[0.74208811, 0.77528497]` | `[0.01, 0.99]` |
#   | **1** | `0.2983711088` | `0.2983711088` |
# row label -> (sequential prediction, parallel prediction, sequential error, parallel error).
# Its error column and sequential predictions are the values before the N-th update (after
# N − 1 updates); its parallel predictions are after N.
ORIGINAL_README_TABLES = {
    1: (("0.75136507", "0.77292847"), ("0.74208811", "0.77528497"), "0.2983711088", "0.2983711088"),
    2: (("0.74208844", "0.77528538"), ("0.73247687", "0.77758193"), "0.2910279239", "0.2910277737"),
    5: (("0.71228562", "0.78200785"), ("0.70172928", "0.78413744"), "0.2682329155", "0.2682327612"),
    10: (("0.65689948", "0.79217359"), ("0.64517373", "0.79406246"), "0.2288071136", "0.2288087405"),
    100: (("0.17704935", "0.87728867"), ("0.17580714", "0.87774294"), "0.0203046657", "0.0203118271"),
    1000: (("0.04406920", "0.95728851"), ("0.04405289", "0.95730291"), "0.0011153760", "0.0011157856"),
    10000: (("0.01591276", "0.98406517"), ("0.01591362", "0.98406427"), "0.0000350915", "0.0000351085"),
}

# --- Andrew Trask, "A Neural Network in 11 lines of Python (Part 1)", 2015 -----------------
# https://iamtrask.github.io/2015/07/12/basic-python-network/
# "Output After Training:" of the 2-layer net, and the six "Error:" lines and the output of
# the 3-layer net, as the post prints them.
TRASK_URL = "https://iamtrask.github.io/2015/07/12/basic-python-network/"
TRASK_TWO_LAYER_OUTPUT = ("0.00966449", "0.00786506", "0.99358898", "0.99211957")
TRASK_THREE_LAYER_ERRORS = ("0.496410031903", "0.00858452565325", "0.00578945986251", "0.00462917677677",
                            "0.00395876528027", "0.00351012256786")  # fmt: skip
TRASK_THREE_LAYER_OUTPUT = ("0.00260572", "0.99672209", "0.99701711", "0.00386759")


def decimals(figure: str) -> int:
    """How many decimals a published figure shows: '0.40' -> 2."""
    return len(figure.split(".")[1])


def agrees(value: float, figure: str) -> bool:
    """value, rounded to the decimals the figure shows, is the figure."""
    return float(f"{value:.{decimals(figure)}f}") == float(figure)
