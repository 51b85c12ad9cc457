"""TensorFlow with Keras 3 on the demo model: load the .h5, predict on an .npy in batches of 1024,
write the outputs as .npy. Python start and the TensorFlow import are part of what is timed.
usage: python tf_predict.py MODEL.h5 X.npy Y.npy"""
import sys

import numpy as np
import keras



class SimpleRNN(keras.layers.SimpleRNN):
    """The tf.keras 2 files carry time_major=False, which Keras 3 no longer accepts; it changes nothing."""

    def __init__(self, time_major=False, **kwargs):
        super().__init__(**kwargs)


model_path, x_path, y_path = sys.argv[1:4]
model = keras.models.load_model(model_path, compile=False, custom_objects={"SimpleRNN": SimpleRNN})
x = np.load(x_path, mmap_mode="r")
np.save(y_path, model.predict(x, batch_size=1024, verbose=0).astype(np.float32))
