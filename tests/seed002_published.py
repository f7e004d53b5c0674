"""Seed 002's published figures, copied by hand from the article (independently of the copy
in bpnn.demos.seeds), for the tests that compare bpnn with them."""

#: The first iteration as the article prints it (6 decimals), under the article's names.
PUBLISHED_ITERATION_1 = {
    "h_in_1": 0.980000,
    "h_in_2": 0.980000,
    "h_out_1": 0.727108,
    "h_out_2": 0.727108,
    "o_in_1": 1.454216,
    "o_in_2": 1.454216,
    "o_out_1": 0.810646,
    "o_out_2": 0.810646,
    "lost": 0.051896,
    "diff_w5": 0.029091,
    "diff_w6": 0.029091,
    "diff_w7": -0.021134,
    "diff_w8": -0.021134,
    "diff_w1": 0.000217,
    "diff_w2": 0.001911,
    "diff_w3": 0.000217,
    "diff_w4": 0.001911,
    "update_w5": 0.985455,
    "update_w6": 0.985455,
    "update_w7": 1.010567,
    "update_w8": 1.010567,
    "update_w1": 0.999891,
    "update_w2": 0.999045,
    "update_w3": 0.999891,
    "update_w4": 0.999045,
}
#: The loss after 10, 100 and 1000 iterations, and the outputs after 1000.
PUBLISHED_LATER = {10: 0.0409254668911, 100: 0.00504936047507, 1000: 0.000467508796192}
PUBLISHED_OUTPUTS_1000 = (0.55002398472, 0.969421952039)
