package laai;
