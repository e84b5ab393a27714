"""An MSME's profile: who may read and change it, the rules its values meet, the shapes
it crosses HTTP in, and the demo's suppliers."""
