"""Places: an offline gazetteer (ZIP codes, world cities) and a pluggable geocoder."""

from manyroads.geo.gazetteer import Place, gazetteer, zip_place
from manyroads.geo.geocoder import Geocoder, NominatimGeocoder, OfflineGeocoder, make_geocoder

__all__ = ["Geocoder", "NominatimGeocoder", "OfflineGeocoder", "Place", "gazetteer", "make_geocoder", "zip_place"]
