package dev.berth.remote;

/** The endpoint's adapter is one Berth lists (as Harbor does) but does not speak yet. */
public class UnavailableAdapterException extends RemoteException {
    public UnavailableAdapterException(String type) {
        super("the " + type + " adapter is not available in Berth yet (its login needs " + type
                + "'s own token exchange); use docker-registry with a registry token if the registry accepts one");
    }
}
