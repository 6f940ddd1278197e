"""Direct quotations in an article and who said them: found by their marks (`detect`), attributed
by a sieve of rules (`attribute`)."""
