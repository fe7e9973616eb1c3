// tests arrive with the credentials work
