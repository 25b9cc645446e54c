copy region from 'x' (delimiter '||');
