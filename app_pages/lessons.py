"""Lessons: a short guided path through the lecture, each lesson a Playground setup one click away."""

import streamlit as st

from ui import lessons

st.title("Lessons")
st.markdown("A short path through the lecture, from one sigmoid unit to deep networks. Each lesson opens the "
            "Playground set up for it (in a new tab, so the run you have here stays as it is), says what to "
            "look at, and links to the Step-by-step section and the exercise that go with it.")
lessons.render()
