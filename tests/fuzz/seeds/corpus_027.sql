copy region from 'x' (compression 'gzip');
