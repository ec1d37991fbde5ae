//! The validation rules of a bundle (DESIGN §3.5), beyond option parsing.
