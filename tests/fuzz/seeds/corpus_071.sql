select interval 'x' day from region;
