select interval '3' fortnight from region;
